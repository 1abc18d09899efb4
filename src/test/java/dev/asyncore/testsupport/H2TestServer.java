package dev.asyncore.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * An in-JVM HTTP/2 server on loopback (Netty's codec-http2), so the HTTP/2 and grpc tests need no
 * system nginx: one port with TLS offering ALPN {@code h2} and {@code http/1.1}, one with TLS
 * offering {@code http/1.1} only, one with clear-text HTTP/2 by prior knowledge. Every port is
 * bound to port 0. It answers as the nginx it replaces did: {@code /hello} with
 * {@code hello over HTTP/2.0} (or {@code HTTP/1.1}) as {@code text/plain}, {@code /redirect} with a
 * 302 to {@code /hello}, files {@linkplain #put put} by path (HEAD with their length and no body),
 * 404 for anything else (so a gRPC call gets HTTP 404).
 */
public final class H2TestServer implements AutoCloseable {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final Map<String, byte[]> files = new ConcurrentHashMap<>();

	private final Channel h2;

	private final Channel http1;

	private final Channel h2c;

	/** Starts the three ports; the TLS ones present the key and certificate in {@code keyStore}. */
	public H2TestServer(Path keyStore) throws IOException, GeneralSecurityException, InterruptedException {
		try {
			this.h2 = bind(tls(keyStore, ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
			this.http1 = bind(tls(keyStore, ApplicationProtocolNames.HTTP_1_1));
			this.h2c = bind(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel channel) {
					http2(channel);
				}

			});
		}
		catch (IOException | GeneralSecurityException | InterruptedException | RuntimeException ex) {
			this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
			throw ex;
		}
	}

	/** Serves {@code body} at {@code path} (GET and HEAD). */
	public void put(String path, byte[] body) {
		this.files.put(path, body);
	}

	/** TLS, ALPN h2 and http/1.1. */
	public int h2Port() {
		return port(this.h2);
	}

	/** TLS, ALPN http/1.1 only. */
	public int http1Port() {
		return port(this.http1);
	}

	/** Clear-text HTTP/2 with prior knowledge. */
	public int h2cPort() {
		return port(this.h2c);
	}

	private static int port(Channel channel) {
		return ((InetSocketAddress) channel.localAddress()).getPort();
	}

	private Channel bind(ChannelHandler initializer) throws InterruptedException {
		return new ServerBootstrap().group(this.group)
			.channel(NioServerSocketChannel.class)
			.childHandler(initializer)
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
			.sync()
			.channel();
	}

	private ChannelHandler tls(Path keyStore, String... protocols) throws IOException, GeneralSecurityException {
		SslContext context = SslContextBuilder.forServer(TestCertificates.keyManagers(keyStore))
			.sslProvider(SslProvider.JDK)
			.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
					ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
					ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols))
			.build();
		return new ChannelInitializer<SocketChannel>() {

			@Override
			protected void initChannel(SocketChannel channel) {
				channel.pipeline()
					.addLast(context.newHandler(channel.alloc()),
							new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {

								@Override
								protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
									if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
										http2(ctx.channel());
									}
									else {
										ctx.pipeline()
											.addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
													new Answer("HTTP/1.1"));
									}
								}

							});
			}

		};
	}

	private void http2(Channel channel) {
		channel.pipeline()
			.addLast(Http2FrameCodecBuilder.forServer().build(),
					new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {

						@Override
						protected void initChannel(Http2StreamChannel stream) {
							stream.pipeline()
								.addLast(new Http2StreamFrameToHttpObjectCodec(true), new HttpObjectAggregator(1 << 20),
										new Answer("HTTP/2.0"));
						}

					}));
	}

	/** One request, one full response, as the nginx configuration this server replaces. */
	private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {

		private final String protocol;

		Answer(String protocol) {
			this.protocol = protocol;
		}

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
			String path = new QueryStringDecoder(request.uri()).path();
			boolean head = request.method().equals(HttpMethod.HEAD);
			byte[] file = H2TestServer.this.files.get(path);
			FullHttpResponse response;
			if (path.equals("/hello")) {
				response = response(HttpResponseStatus.OK, "text/plain",
						("hello over " + this.protocol).getBytes(StandardCharsets.US_ASCII), head);
			}
			else if (path.equals("/redirect")) {
				response = response(HttpResponseStatus.FOUND, "text/html", new byte[0], head);
				response.headers().set(HttpHeaderNames.LOCATION, "/hello");
			}
			else if (file != null) {
				response = response(HttpResponseStatus.OK, "application/octet-stream", file, head);
			}
			else {
				response = response(HttpResponseStatus.NOT_FOUND, "text/plain",
						"not found".getBytes(StandardCharsets.US_ASCII), head);
			}
			boolean keepAlive = ctx.channel() instanceof Http2StreamChannel || HttpUtil.isKeepAlive(request);
			if (keepAlive) {
				ctx.writeAndFlush(response);
			}
			else {
				ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
			}
		}

		private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body, boolean head) {
			FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
					head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
			response.headers()
				.set(HttpHeaderNames.CONTENT_TYPE, type)
				.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
			return response;
		}

	}

	@Override
	public void close() throws InterruptedException {
		for (Channel channel : new Channel[] { this.h2, this.http1, this.h2c }) {
			channel.close().sync();
		}
		this.group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
	}

}
